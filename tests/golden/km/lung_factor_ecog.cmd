km --data @DATA@/lung.csv --formula "Surv(time, status) ~ factor(ph.ecog)" --format json

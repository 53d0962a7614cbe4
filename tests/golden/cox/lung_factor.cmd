cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + factor(ph.ecog)" --format json

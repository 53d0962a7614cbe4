logrank --data @DATA@/lung.csv --formula "Surv(time, status) ~ factor(ph.ecog)" --rho 1 --format json

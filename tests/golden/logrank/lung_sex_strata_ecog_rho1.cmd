logrank --data @DATA@/lung.csv --formula "Surv(time, status) ~ sex + strata(ph.ecog)" --rho 1 --format json

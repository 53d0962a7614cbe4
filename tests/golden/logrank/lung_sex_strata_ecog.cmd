logrank --data @DATA@/lung.csv --formula "Surv(time, status) ~ sex + strata(ph.ecog)" --format json

logrank --data @DATA@/lung.csv --formula "Surv(time, status) ~ sex + strata(inst)" --format json

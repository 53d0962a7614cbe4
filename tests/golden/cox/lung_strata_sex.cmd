cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + ph.ecog + strata(sex)" --format json

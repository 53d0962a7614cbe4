cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + ph.ecog + strata(sex)" --ties breslow --format json

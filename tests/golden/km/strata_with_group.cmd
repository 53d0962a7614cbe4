km --data @DATA@/lung.csv --formula "Surv(time, status) ~ ph.ecog + strata(sex)" --format json

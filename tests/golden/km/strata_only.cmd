km --data @DATA@/lung.csv --formula "Surv(time, status) ~ strata(sex)" --format json

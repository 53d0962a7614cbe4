cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + sex + strata(inst)" --format json

cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + strata(sex, ph.ecog)" --format json

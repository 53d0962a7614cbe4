km --data @DATA@/lung.csv --formula "Surv(time, status) ~ strata(sex, ph.ecog)" --format json

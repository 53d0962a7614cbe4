cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + sex + cluster(inst)" --format json

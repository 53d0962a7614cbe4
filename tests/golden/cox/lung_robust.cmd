cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + sex" --robust --format json

cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + sex + ph.ecog" --format json

cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + sex + ph.ecog" --ties exact --format json

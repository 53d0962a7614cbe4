cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + sex + ph.ecog" --ties breslow --format json

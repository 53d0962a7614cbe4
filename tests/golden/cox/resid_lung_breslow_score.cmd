cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + sex + ph.ecog" --ties breslow --residuals score --format json

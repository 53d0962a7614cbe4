cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + sex + ph.ecog" --ties exact --residuals deviance --format json

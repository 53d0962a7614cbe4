cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + sex + ph.ecog" --residuals scaledsch --format json

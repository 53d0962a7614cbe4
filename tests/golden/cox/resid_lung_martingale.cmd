cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + sex + ph.ecog" --residuals martingale --format json

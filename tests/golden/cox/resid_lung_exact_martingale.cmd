cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + sex + ph.ecog" --ties exact --residuals martingale --format json

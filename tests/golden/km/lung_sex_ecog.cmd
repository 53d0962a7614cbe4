km --data @DATA@/lung.csv --formula "Surv(time, status) ~ sex + ph.ecog" --format json

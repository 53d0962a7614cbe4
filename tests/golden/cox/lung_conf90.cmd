cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + sex + ph.ecog" --conf-level 0.9 --format json

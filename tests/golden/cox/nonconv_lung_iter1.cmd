cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + sex + ph.ecog" --max-iter 1 --format json

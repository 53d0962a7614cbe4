cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + sex + ph.ecog" --max-iter 2 --format json

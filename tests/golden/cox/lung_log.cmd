cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ log(age) + sex" --format json

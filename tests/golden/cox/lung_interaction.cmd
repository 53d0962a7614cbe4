cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age * sex" --format json

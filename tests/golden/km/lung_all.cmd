km --data @DATA@/lung.csv --formula "Surv(time, status) ~ 1" --format json

km --data @DATA@/lung.csv --formula "Surv(time, status) ~ sex" --format json

km --data @DATA@/lung.csv --formula "Surv(time, status) ~ sex" --conf-type plain --format json

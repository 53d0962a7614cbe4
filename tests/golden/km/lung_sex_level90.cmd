km --data @DATA@/lung.csv --formula "Surv(time, status) ~ sex" --conf-level 0.9 --format json

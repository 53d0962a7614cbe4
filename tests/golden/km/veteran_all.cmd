km --data @DATA@/veteran.csv --formula "Surv(time, status) ~ 1" --format json

km --data @DATA@/veteran.csv --formula "Surv(time, status) ~ celltype" --format json

km --data @DATA@/veteran.csv --formula "Surv(time, status) ~ celltype" --conf-type plain --conf-level 0.9 --format json

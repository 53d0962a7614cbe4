logrank --data @DATA@/veteran.csv --formula "Surv(time, status) ~ celltype" --rho 1 --format json

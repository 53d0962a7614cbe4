logrank --data @DATA@/lung.csv --formula "Surv(time, status) ~ sex" --rho 1 --format json

logrank --data @DATA@/veteran.csv --formula "Surv(time, status) ~ trt" --rho 0.5 --format json

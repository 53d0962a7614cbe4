logrank --data @DATA@/veteran.csv --formula "Surv(time, status) ~ trt" --format json

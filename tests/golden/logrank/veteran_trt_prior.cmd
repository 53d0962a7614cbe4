logrank --data @DATA@/veteran.csv --formula "Surv(time, status) ~ trt + prior" --format json

cox --data @DATA@/veteran.csv --formula "Surv(time, status) ~ trt * celltype" --format json

cox --data @DATA@/veteran.csv --formula "Surv(time, status) ~ trt + karno + age" --robust --format json

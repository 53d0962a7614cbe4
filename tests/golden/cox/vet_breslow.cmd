cox --data @DATA@/veteran.csv --formula "Surv(time, status) ~ trt + celltype + karno + diagtime + age + prior" --ties breslow --format json

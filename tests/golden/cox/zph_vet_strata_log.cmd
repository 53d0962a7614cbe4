cox --data @DATA@/veteran.csv --formula "Surv(time, status) ~ trt + celltype + karno + age + strata(prior)" --zph log --format json

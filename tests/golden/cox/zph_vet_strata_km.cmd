cox --data @DATA@/veteran.csv --formula "Surv(time, status) ~ trt + celltype + karno + age + strata(prior)" --zph km --format json

cox --data @DATA@/veteran.csv --formula "Surv(time, status) ~ trt + karno + strata(celltype)" --ties exact --format json

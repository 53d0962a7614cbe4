cox --data @DATA@/veteran.csv --formula "Surv(time, status) ~ trt + karno + strata(celltype)" --residuals martingale --format json

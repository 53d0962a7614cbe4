km --data @DATA@/veteran.csv --formula "Surv(time, status) ~ trt" --times 0,30,90,180,365,999,1000 --format json

km --data @DATA@/veteran.csv --formula "Surv(time, status) ~ trt" --conf-type log-log --format json

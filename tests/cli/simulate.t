# obsurv simulate nelm — the simulated flagship registry.

case help
run simulate --help
exit 0
stdout usage: obsurv simulate nelm
stdout --seed
end

case default seed writes the header and 753 rows
run simulate nelm
exit 0
stdout id,center,year,age,sex,primary_site,hormonal,symptomatic,burden_gt25,extrahepatic,treatment,surgery_type,iat_type,iat_sessions,time,status
stdout 1,4,2008,28,female,colorectal,1,1,1,0,surgery,resection,NA,NA,28.13,0
stdout 753,
stderr-empty
end

case explicit default seed gives the same first row
run simulate nelm --seed 164 --n 753
exit 0
stdout 1,4,2008,28,female,colorectal,1,1,1,0,surgery,resection,NA,NA,28.13,0
end

case --out writes the file and nothing on stdout
run simulate nelm --n 20 --out @TMP@/nelm.csv
exit 0
stdout-empty
stderr-empty
end

case --n scales the cohort
run simulate nelm --n 10 --seed 3
exit 0
stdout 10,
end

case unknown registry
run simulate lung
exit 2
stdout-empty
stderr unknown registry 'lung'
end

case no registry named
run simulate --seed 1
exit 2
stdout-empty
stderr name a registry
end

case bad seed
run simulate nelm --seed abc
exit 2
stdout-empty
stderr --seed
end

case negative seed
run simulate nelm --seed -5
exit 2
stdout-empty
stderr --seed
end

case too few patients
run simulate nelm --n 1
exit 2
stdout-empty
stderr --n must be between 2
end

case too many patients
run simulate nelm --n 999999999999
exit 2
stdout-empty
stderr --n
end

case unwritable --out
run simulate nelm --out @TMP@/no/such/dir/x.csv
exit 2
stdout-empty
stderr cannot open the output file
end

case unknown option
run simulate nelm --frobnicate 1
exit 2
stdout-empty
stderr unknown option
end

FROM node:20.15.1
ENV API_KEY="k8s-goat-cf658c56a501385205cc6d2dafee8fc1"

#!/bin/sh
echo not a folder

/* Temporary: subsystem entry points until their owners land them. */
#include "uvm.h"
#include "uvm_page.h"
#include "uvm_physseg.h"
#include "uvm_object.h"
#include "uvm_anon.h"
#include "uvm_amap.h"
#include "uvm_map.h"
#include "pmap/pmap.h"


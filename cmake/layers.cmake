# The layers of the code, checked on every configure: each part of the tree may include the headers of
# the parts listed for it and no others, and only the UI and the app may include the GUI's headers.
# A change that breaks a rule stops `cmake` with the file, the line and the rule, so "logic never
# includes the GUI" and "the programs never depend on each other's insides" hold by construction.
# docs/architecture.md draws the same picture; the rule for a new feature is written there.
#
# include(cmake/layers.cmake) from the top CMakeLists.txt, or on any tree:
#   cmake -DSKM_LAYERS_ROOT=DIR -P cmake/layers.cmake       (exit status 1 and the reasons if it breaks a rule)

cmake_policy(VERSION 3.25) # IN_LIST; empty list elements kept

# PART | the parts it may include (besides itself). A part is a folder; the longest matching one applies.
set(SKM_LAYERS
  "core|"
  "net|core"
  "kiosk/store|core"
  "kiosk/config|core"
  "kiosk/roster|core kiosk/store kiosk/config"
  "kiosk/maintenance|core kiosk/store"
  "kiosk/session|core kiosk/config"
  "kiosk/voice|core"
  "kiosk/ui|core kiosk/store kiosk/config kiosk/roster"
  "kiosk/queue|core net kiosk/store kiosk/config kiosk/roster sync"
  "kiosk/app|core kiosk/store kiosk/config kiosk/roster kiosk/maintenance kiosk/session kiosk/ui kiosk/queue kiosk/voice sync"
  "sync|core kiosk/store kiosk/config kiosk/roster"
  "central/rollups|core"
  "central/store|core central/rollups"
  "central/reports|core central/rollups"
  "central/alerts|core central/rollups central/reports"
  "central|core net central/store central/reports central/rollups central/alerts")
# The GUI's headers (Dear ImGui and its backends, GLFW, OpenGL) and the parts that may include them.
set(SKM_GUI_HEADERS "^(imgui[a-z_]*\\.h|imgui/|backends/|GLFW/|GL/|GLES[0-9]*/|EGL/|KHR/|epoxy/|SDL[0-9]*/)")
set(SKM_GUI_PARTS "kiosk/ui" "kiosk/app")
set(SKM_WINDOW_HEADERS "^(backends/imgui_impl_|GLFW/|GL/|GLES[0-9]*/|EGL/|KHR/|epoxy/|SDL[0-9]*/)")
set(SKM_WINDOW_PARTS "kiosk/app")

function(skm_part_of relpath out)
  set(best "")
  foreach(entry IN LISTS SKM_LAYERS)
    string(REPLACE "|" ";" fields "${entry}")
    list(GET fields 0 part)
    string(LENGTH "${part}" n)
    string(LENGTH "${best}" bn)
    if((relpath MATCHES "^${part}/") AND (n GREATER bn))
      set(best "${part}")
    endif()
  endforeach()
  set(${out} "${best}" PARENT_SCOPE)
endfunction()

function(skm_check_layers root out)
  set(problems "")
  file(GLOB_RECURSE sources RELATIVE "${root}" LIST_DIRECTORIES false
    "${root}/core/*.cpp" "${root}/core/*.hpp" "${root}/core/*.in"
    "${root}/kiosk/*.cpp" "${root}/kiosk/*.hpp" "${root}/kiosk/*.in"
    "${root}/sync/*.cpp" "${root}/sync/*.hpp" "${root}/net/*.cpp" "${root}/net/*.hpp"
    "${root}/central/*.cpp" "${root}/central/*.hpp")
  foreach(file IN LISTS sources)
    skm_part_of("${file}" part)
    if(part STREQUAL "")
      list(APPEND problems "${file}: belongs to no part of cmake/layers.cmake (add its folder there)")
      continue()
    endif()
    set(allowed "${part}")
    foreach(entry IN LISTS SKM_LAYERS)
      string(REPLACE "|" ";" fields "${entry}")
      list(GET fields 0 p)
      if(p STREQUAL part)
        list(LENGTH fields nf)
        if(nf GREATER 1)
          list(GET fields 1 deps)
          string(REPLACE " " ";" deps "${deps}")
          list(APPEND allowed ${deps})
        endif()
      endif()
    endforeach()
    get_filename_component(dir "${file}" DIRECTORY)
    file(STRINGS "${root}/${file}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
    set(lineno 0)
    foreach(line IN LISTS lines)
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[<\"]([^>\"]+)[>\"].*$" "\\1" header "${line}")
      if(header MATCHES "${SKM_GUI_HEADERS}" AND NOT part IN_LIST SKM_GUI_PARTS)
        list(JOIN SKM_GUI_PARTS " and " who)
        list(APPEND problems "${file}: includes ${header}, a GUI header: only ${who} may (logic never includes the GUI)")
        continue()
      endif()
      if(header MATCHES "${SKM_WINDOW_HEADERS}" AND NOT part IN_LIST SKM_WINDOW_PARTS)
        list(JOIN SKM_WINDOW_PARTS " and " who)
        list(APPEND problems "${file}: includes ${header}, a window-system header: only ${who} may")
        continue()
      endif()
      # A project header: by its path from the root (<core/db.hpp>) or relative to the file ("db.hpp").
      set(target "")
      if(line MATCHES "#[ \t]*include[ \t]*\"" AND EXISTS "${root}/${dir}/${header}")
        get_filename_component(abs "${root}/${dir}/${header}" ABSOLUTE)
        file(RELATIVE_PATH target "${root}" "${abs}")
      elseif(header MATCHES "^(core|kiosk|sync|central|tests|bench)/")
        set(target "${header}")
      endif()
      if(target STREQUAL "")
        continue()
      endif()
      skm_part_of("${target}" tpart)
      if(tpart STREQUAL "" OR NOT tpart IN_LIST allowed)
        list(JOIN allowed ", " may)
        list(APPEND problems "${file}: includes ${header}, but ${part} may include only ${may} (cmake/layers.cmake)")
      endif()
    endforeach()
  endforeach()
  set(${out} "${problems}" PARENT_SCOPE)
endfunction()

if(CMAKE_SCRIPT_MODE_FILE)
  if(NOT SKM_LAYERS_ROOT)
    get_filename_component(SKM_LAYERS_ROOT "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
  endif()
  skm_check_layers("${SKM_LAYERS_ROOT}" problems)
  if(problems)
    list(JOIN problems "\n  " text)
    message(FATAL_ERROR "the layers of the code are broken:\n  ${text}")
  endif()
  message(STATUS "layers: every include follows cmake/layers.cmake")
else()
  skm_check_layers("${PROJECT_SOURCE_DIR}" problems)
  if(problems)
    list(JOIN problems "\n  " text)
    message(FATAL_ERROR "the layers of the code are broken:\n  ${text}")
  endif()
  # Configure again when a source changes its includes is not possible cheaply; the test
  # architecture.layers_hold re-runs this check on the tree in every test run.
endif()

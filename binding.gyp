{
  "targets": [
    {
      "target_name": "torchvgg",
      "type": "none",
      "actions": [
        {
          "action_name": "cmake_build",
          "inputs": [],
          "outputs": ["build/Release/torchvgg.node"],
          "action": ["node", "<(module_root_dir)/scripts/build-native.js"]
        }
      ]
    }
  ]
}
